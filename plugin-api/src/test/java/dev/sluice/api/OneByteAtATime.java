package dev.sluice.api;

import java.io.InputStream;

/** A body that arrives one byte per read, as a slow network may deliver it: splits every line and character. */
final class OneByteAtATime extends InputStream {

    private final byte[] bytes;
    private int next;

    OneByteAtATime(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        return next < bytes.length ? bytes[next++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (next >= bytes.length) {
            return -1;
        }
        b[off] = bytes[next++];
        return 1;
    }
}

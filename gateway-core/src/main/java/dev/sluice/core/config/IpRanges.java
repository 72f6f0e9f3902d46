package dev.sluice.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code ::1},
 * {@code fd00::/8}), as {@code allowed_ips} and {@code trusted_proxies} give them. Only literal
 * addresses: a host name is refused at load, never resolved.
 */
public final class IpRanges {

    private final List<Range> ranges;

    private IpRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** No ranges: {@link #isEmpty()}. */
    public static final IpRanges NONE = new IpRanges(List.of());

    /**
     * @param entries addresses or CIDR ranges
     * @param path    the config key, for the error
     * @throws ConfigException naming the entry that is not an address or range
     */
    static IpRanges parse(List<String> entries, String path) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.trim();
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash), path);
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new ConfigException(path, "'" + text + "' has no valid prefix length (0 to " + bits + ")");
                }
            }
            ranges.add(new Range(address, prefix));
        }
        return new IpRanges(ranges);
    }

    private static byte[] literal(String text, String path) {
        boolean looksLiteral = text.matches("[0-9.]+") || (text.contains(":") && text.matches("[0-9a-fA-F:.]+"));
        if (!looksLiteral) {
            throw new ConfigException(path, "'" + text + "' is not an IP address or CIDR range (host names are not "
                    + "resolved)");
        }
        try {
            return InetAddress.getByName(text).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new ConfigException(path, "'" + text + "' is not an IP address");
        }
    }

    /** @return whether no range is configured */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** @return whether the address (a literal, as a socket reports it) is in one of the ranges */
    public boolean contains(String address) {
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1)
                    : address).getAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}

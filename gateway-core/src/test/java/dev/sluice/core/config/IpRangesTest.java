package dev.sluice.core.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRangesTest {

    @Test
    void addressesAndRangesOfBothFamiliesMatch() {
        IpRanges ranges = IpRanges.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1", "172.16.0.0/12"),
                "general_settings.allowed_ips");
        assertTrue(ranges.contains("10.200.3.4"));
        assertTrue(ranges.contains("192.168.1.7"));
        assertFalse(ranges.contains("192.168.1.8"));
        assertTrue(ranges.contains("172.31.255.255"));
        assertFalse(ranges.contains("172.32.0.1"), "a /12 ends at 172.31");
        assertTrue(ranges.contains("fd12:3456::1"));
        assertTrue(ranges.contains("0:0:0:0:0:0:0:1"));
        assertFalse(ranges.contains("11.0.0.1"));
        assertFalse(ranges.contains("not an address"));
    }

    @Test
    void mistakesAreRefusedAtLoadNamingTheKey() {
        ConfigException hostName = assertThrows(ConfigException.class,
                () -> IpRanges.parse(List.of("gateway.example.com"), "general_settings.allowed_ips"));
        assertTrue(hostName.getMessage().contains("general_settings.allowed_ips")
                && hostName.getMessage().contains("host names"), hostName.getMessage());
        assertThrows(ConfigException.class, () -> IpRanges.parse(List.of("10.0.0.0/33"), "p"));
        assertThrows(ConfigException.class, () -> IpRanges.parse(List.of("10.0.0.0/x"), "p"));
        assertThrows(ConfigException.class, () -> IpRanges.parse(List.of("300.1.1.1"), "p"));
    }
}

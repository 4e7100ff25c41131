package com.example.template.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, as {@code ss -ltnp} shows them, read from {@code /proc}:
 * its socket inodes ({@code /proc/<pid>/fd}) matched against the listening sockets of its network
 * namespace ({@code /proc/<pid>/net/tcp} and {@code tcp6}).
 */
public final class ListeningSockets {

  private static final String LISTEN = "0A";

  /** One listening socket; an IPv4-mapped IPv6 address shows as its IPv4 address. */
  public record Listener(InetAddress address, int port) {
    @Override
    public String toString() {
      return address.getHostAddress() + ":" + port;
    }
  }

  private ListeningSockets() {
  }

  /** The sockets the process listens on (needs the rights to read its {@code /proc/<pid>/fd}). */
  public static List<Listener> of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    Set<String> inodes = socketInodes(proc.resolve("fd"));
    List<Listener> listeners = new ArrayList<>();
    for (String table : new String[] {"net/tcp", "net/tcp6"}) {
      try {
        List<String> lines = Files.readAllLines(proc.resolve(table));
        for (String line : lines.subList(1, lines.size())) { // the first is the header
          String[] fields = line.trim().split("\\s+");
          if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
            String[] local = fields[1].split(":");
            listeners.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return listeners;
  }

  private static Set<String> socketInodes(Path fdDir) {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(fdDir)) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed while we looked: not a listener we need
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return inodes;
  }

  // The kernel prints each 32-bit word of the address in host (little-endian) byte order.
  private static InetAddress address(String hex) throws UnknownHostException {
    byte[] raw = HexFormat.of().parseHex(hex);
    byte[] address = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        address[word + i] = raw[word + 3 - i];
      }
    }
    return InetAddress.getByAddress(address);
  }
}

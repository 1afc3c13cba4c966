package dev.rewind.bench.replay;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM and by one PostgreSQL server (the postmaster and its children), from /proc. On a
 * shared machine wall-clock throughput moves with whatever else runs; CPU per event does not, so the benchmark
 * reports both.
 */
final class CpuMeter {

  /** CPU nanoseconds so far. */
  record Sample(long jvmNanos, long postgresNanos) {

    Sample minus(Sample earlier) {
      return new Sample(jvmNanos - earlier.jvmNanos, postgresNanos - earlier.postgresNanos);
    }
  }

  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  private final long postmaster;

  private CpuMeter(long postmaster) {
    this.postmaster = postmaster;
  }

  /** The meter for the PostgreSQL listening on {@code port}, or null when /proc does not show it. */
  static CpuMeter forPostgresOnPort(int port) {
    String flag = "\0-p\0" + port + "\0";
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> {
            String cmdline = read(p.resolve("cmdline"));
            return cmdline.contains("bin/postgres\0") && cmdline.contains(flag);
          })
          .map(p -> new CpuMeter(Long.parseLong(p.getFileName().toString())))
          .findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  Sample sample() {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        String[] stat = fields(read(p.resolve("stat")));
        if (stat.length < 17) {
          continue;
        }
        long pid = Long.parseLong(p.getFileName().toString());
        long ppid = Long.parseLong(stat[3]);
        if (pid == postmaster) {
          // Its own time, and that of children which have exited (backends of closed connections).
          ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]) + Long.parseLong(stat[15])
              + Long.parseLong(stat[16]);
        } else if (ppid == postmaster) {
          ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return new Sample(jvm, ticks * NANOS_PER_TICK);
  }

  /** The fields of a /proc stat line; the command name (field 2) may hold spaces, so split after its ')'. */
  private static String[] fields(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return new String[0];
    }
    String[] rest = stat.substring(close + 2).trim().split(" ");
    String[] all = new String[rest.length + 2];
    all[0] = stat.substring(0, stat.indexOf(' '));
    all[1] = stat.substring(stat.indexOf('(') + 1, close);
    System.arraycopy(rest, 0, all, 2, rest.length);
    return all;
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return ""; // the process ended while we looked
    }
  }
}

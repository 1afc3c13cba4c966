package dev.rewind.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU time of a process tree from /proc: the root's own time, the time of its children that have exited (which
 * the kernel adds to the root once reaped: PostgreSQL backends of closed connections), and that of its live
 * children. Enough for the servers the benchmarks measure (PostgreSQL, nginx, the sidecar), whose workers are
 * direct children of one master process. On a shared machine wall-clock figures move with whatever else runs;
 * CPU time per event much less, so the benchmarks report it next to latency.
 */
public final class ProcessCpu {

  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  private final long root;

  private ProcessCpu(long root) {
    this.root = root;
  }

  public static ProcessCpu of(long pid) {
    return new ProcessCpu(pid);
  }

  /** The oldest process whose command line (NUL-separated arguments) matches, if any. */
  public static Optional<ProcessCpu> find(Predicate<String> commandLine) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> commandLine.test(read(p.resolve("cmdline"))))
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .min(Long::compare)
          .map(ProcessCpu::new);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
  }

  public long pid() {
    return root;
  }

  /** CPU nanoseconds the tree has used so far. */
  public long nanos() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        String[] stat = fields(read(p.resolve("stat")));
        if (stat.length < 17) {
          continue; // the process ended while we looked
        }
        long pid = Long.parseLong(stat[0]);
        long ppid = Long.parseLong(stat[3]);
        if (pid == root) {
          ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]) + Long.parseLong(stat[15])
              + Long.parseLong(stat[16]);
        } else if (ppid == root) {
          ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return ticks * NANOS_PER_TICK;
  }

  /** The fields of a /proc stat line; the command name (field 2) may hold spaces, so split after its ')'. */
  static String[] fields(String stat) {
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

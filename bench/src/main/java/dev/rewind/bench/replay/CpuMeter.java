package dev.rewind.bench.replay;

import dev.rewind.bench.proc.ProcessCpu;
import java.lang.management.ManagementFactory;

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

  private final ProcessCpu postgres;

  private CpuMeter(ProcessCpu postgres) {
    this.postgres = postgres;
  }

  /** The meter for the PostgreSQL listening on {@code port}, or null when /proc does not show it. */
  static CpuMeter forPostgresOnPort(int port) {
    String flag = "\0-p\0" + port + "\0";
    return ProcessCpu.find(cmdline -> cmdline.contains("bin/postgres\0") && cmdline.contains(flag))
        .map(CpuMeter::new).orElse(null);
  }

  Sample sample() {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    return new Sample(jvm, postgres.nanos());
  }
}

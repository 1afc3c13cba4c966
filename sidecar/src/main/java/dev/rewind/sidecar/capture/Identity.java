package dev.rewind.sidecar.capture;

/** Who this sidecar captures for: recorded on every journaled event as its sender. */
public record Identity(String namespace, String workload, String pod) {}

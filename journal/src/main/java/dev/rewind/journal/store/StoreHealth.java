package dev.rewind.journal.store;

/**
 * Whether the journal store can take acknowledged writes. Not durable means an acknowledged event could be lost in
 * a store crash, which Rewind treats as not ready: better to refuse traffic than to promise what it cannot keep.
 */
public record StoreHealth(boolean reachable, boolean durable, String synchronousCommit, String fsync, String detail) {

  static StoreHealth of(String synchronousCommit, String fsync) {
    boolean durable = !"off".equals(synchronousCommit) && !"off".equals(fsync);
    String detail = durable ? "ok" : "synchronous_commit=" + synchronousCommit + ", fsync=" + fsync
        + ": commits are not durable";
    return new StoreHealth(true, durable, synchronousCommit, fsync, detail);
  }

  static StoreHealth unreachable(String detail) {
    return new StoreHealth(false, false, null, null, detail);
  }

  public boolean ready() {
    return reachable && durable;
  }
}

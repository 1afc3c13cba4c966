package dev.rewind.journal.tenant;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The store side of tenant isolation: one login role per namespace (V6__tenant_isolation.sql). Every statement
 * passes the namespace as a parameter to a SQL function that quotes it ({@code format('%I')}), so a namespace
 * reaches no SQL text; the role's name is derived from it, never equal to it.
 *
 * <p>Needs a connection as the schema owner or a member of {@code rewind_operator}.
 */
public final class TenantRoles {

  private final Pool pool;

  public TenantRoles(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates the namespace's role with this password, or sets it as the role's new password (rotation: sessions
   * already open stay valid until they reconnect).
   *
   * @return the role's name, the user a sidecar of the namespace logs in as
   */
  public Uni<String> ensure(String namespace, TenantPassword password) {
    return pool.preparedQuery("SELECT rewind.ensure_tenant($1, $2) AS role")
        .execute(Tuple.of(namespace, password.verifier()))
        .map(rows -> rows.iterator().next().getString("role"));
  }

  /** Drops the namespace's role; false when it had none. */
  public Uni<Boolean> drop(String namespace) {
    return pool.preparedQuery("SELECT rewind.drop_tenant($1) AS dropped").execute(Tuple.of(namespace))
        .map(rows -> rows.iterator().next().getBoolean("dropped"));
  }

  /** The role name a namespace gets (whether or not it exists). */
  public Uni<String> roleName(String namespace) {
    return pool.preparedQuery("SELECT rewind.tenant_role_name($1) AS role").execute(Tuple.of(namespace))
        .map(rows -> rows.iterator().next().getString("role"));
  }

  /** The namespaces that have a role, for removing those no longer captured. */
  public Uni<List<String>> namespaces() {
    return pool.query("SELECT namespace FROM rewind.tenants ORDER BY namespace").execute().map(rows -> {
      List<String> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(r.getString("namespace"));
      }
      return list;
    });
  }
}

package dev.rewind.journal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteMatcherTest {

  private static final List<ResolvedRoute> ROUTES = Routes.fromYaml("""
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders}
      spec:
        destination: {url: "http://b/orders"}
        match: {host: service-b.shop.svc, pathPrefix: /orders}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: order-lines}
      spec:
        destination: {url: "http://b/lines"}
        match: {host: service-b.shop.svc, pathPrefix: /orders/lines, methods: [POST, PUT]}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: any-host}
      spec:
        destination: {url: "http://c/"}
        match: {host: "*.partner.example.com"}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: exact-partner}
      spec:
        destination: {url: "http://d/"}
        match: {host: api.partner.example.com}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: port-bound}
      spec:
        destination: {url: "http://e/"}
        match: {host: "billing:8443", methods: [GET]}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: explicit-only}
      spec:
        destination: {url: "http://f/"}
      """);

  @ParameterizedTest(name = "{0} {1}:{2}{3} -> {4} (suffix {5})")
  @CsvSource(nullValues = "none", value = {
      "POST, service-b.shop.svc, 80, /orders, orders, ''",
      "POST, service-b.shop.svc, 80, /orders/42, orders, /42",
      "POST, SERVICE-B.shop.svc, 80, /orders/42, orders, /42",
      "POST, service-b.shop.svc, 80, /ordersX, none, none",
      "POST, service-b.shop.svc, 80, /orders/lines/7, order-lines, /7",
      "DELETE, service-b.shop.svc, 80, /orders/lines/7, orders, /lines/7",
      "GET, service-b.shop.svc, 80, /orders/42, none, none",
      "PATCH, service-b.shop.svc, 8080, /orders/1, orders, /1",
      "POST, api.partner.example.com, 443, /hook, exact-partner, /hook",
      "POST, eu.partner.example.com, 443, /hook, any-host, /hook",
      "POST, partner.example.com, 443, /hook, none, none",
      "GET, billing, 8443, /invoices, port-bound, /invoices",
      "GET, billing, 80, /invoices, none, none",
      "POST, elsewhere, 80, /, none, none"
  })
  void picksTheMostSpecificRoute(String method, String host, int port, String path, String route, String suffix) {
    RouteMatcher.Captured captured = RouteMatcher.match(ROUTES, method, host, port, path);
    if (route == null) {
      assertThat(captured).isNull();
    } else {
      assertThat(captured.route().name()).isEqualTo(route);
      assertThat(captured.suffix()).isEqualTo(suffix);
    }
  }

  @Test
  void theChoiceDoesNotDependOnOrder() {
    List<ResolvedRoute> reversed = new java.util.ArrayList<>(ROUTES);
    java.util.Collections.reverse(reversed);
    assertThat(RouteMatcher.match(reversed, "POST", "api.partner.example.com", 443, "/x").route().name())
        .isEqualTo("exact-partner");
    assertThat(RouteMatcher.match(reversed, "POST", "service-b.shop.svc", 80, "/orders/lines").route().name())
        .isEqualTo("order-lines");
  }
}

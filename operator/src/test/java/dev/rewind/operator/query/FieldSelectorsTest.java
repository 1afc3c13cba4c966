package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldSelectorsTest {

  @Test
  void everySupportedFieldFilters() {
    UUID id = UUID.randomUUID();
    EventFilter f = FieldSelectors.parse("spec.route=orders,status.state==dead,status.lastOutcome=503,"
        + "spec.correlationId=ORD-1,spec.type=order.created,spec.sender.workload=erp,metadata.name=" + id
        + ",metadata.namespace=shop");
    assertThat(f).isEqualTo(new EventFilter("orders", EventState.DEAD, "503", "ORD-1", "order.created", "erp", id,
        "shop"));
  }

  @Test
  void emptySelectsEverything() {
    assertThat(FieldSelectors.parse(null)).isEqualTo(EventFilter.NONE);
    assertThat(FieldSelectors.parse("")).isEqualTo(EventFilter.NONE);
    assertThat(FieldSelectors.parse(",")).isEqualTo(EventFilter.NONE);
  }

  @Test
  void escapesAndSpacesAroundTheField() {
    assertThat(FieldSelectors.parse("spec.correlationId=a\\,b\\=c\\\\d").correlationId()).isEqualTo("a,b=c\\d");
    assertThat(FieldSelectors.parse(" spec.route =x").route()).isEqualTo("x");
    assertThat(FieldSelectors.parse("spec.route=").route()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spec.nope=x|field \"spec.nope\" is not supported",
      "spec.route!=x|operator != is not supported (spec.route)",
      "spec.route|\"spec.route\" is not a term field=value",
      "=x|is not a term",
      "spec.route=x,spec.route=y|\"spec.route\" is selected more than once",
      "status.state=lost|status.state \"lost\" is none of pending, delivering, delivered, failed, dead",
      "metadata.name=ORD-1|metadata.name \"ORD-1\" is not a Rewind event id",
      "spec.route===x|holds an unescaped =",
      "spec.route=a\\x|invalid escape",
      "spec.route=a\\|invalid escape",
      "labels.app=x|field \"labels.app\" is not supported"})
  void badSelectorsAreRefusedNamingTheField(String selector, String message) {
    assertThatThrownBy(() -> FieldSelectors.parse(selector)).isInstanceOfSatisfying(QueryException.class, e -> {
      assertThat(e.code()).isEqualTo(400);
      assertThat(e.reason()).isEqualTo("BadRequest");
      assertThat(e.getMessage()).startsWith("fieldSelector: ").contains(message);
    });
  }

  @Test
  void canonicalFormIgnoresOrderAndOperator() {
    assertThat(FieldSelectors.canonical("status.state==dead,spec.route=a"))
        .isEqualTo(FieldSelectors.canonical("spec.route=a,status.state=dead"))
        .isEqualTo("spec.route=a,status.state=dead");
    assertThat(FieldSelectors.canonical("spec.route=a\\,b")).isEqualTo("spec.route=a\\,b");
    assertThat(FieldSelectors.canonical("")).isEmpty();
  }
}

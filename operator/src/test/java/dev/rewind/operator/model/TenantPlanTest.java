package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.model.TenantPlan.Action;
import dev.rewind.operator.model.TenantPlan.SecretState;
import dev.rewind.operator.model.TenantPlan.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TenantPlanTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("first Route or captured pod: role and Secret",
            Set.of("shop"), Set.of(), Map.of(), List.of(new Step("shop", Action.CREATE, false, false))),
        Arguments.of("a role left from a Secret deleted by hand: created again (new password)",
            Set.of("shop"), Set.of("shop"), Map.of(), List.of(new Step("shop", Action.CREATE, false, false))),
        Arguments.of("in use, role and Secret: nothing to do",
            Set.of("shop"), Set.of("shop"), Map.of("shop", SecretState.MANAGED), List.of()),
        Arguments.of("rotation asked for on the Secret",
            Set.of("shop"), Set.of("shop"), Map.of("shop", SecretState.ROTATION_REQUESTED),
            List.of(new Step("shop", Action.ROTATE, false, false))),
        Arguments.of("the store lost the role (restored store): new password in both",
            Set.of("shop"), Set.of(), Map.of("shop", SecretState.MANAGED),
            List.of(new Step("shop", Action.ROTATE, false, false))),
        Arguments.of("nothing of Rewind left: role and Secret removed",
            Set.of(), Set.of("shop"), Map.of("shop", SecretState.MANAGED),
            List.of(new Step("shop", Action.REMOVE, true, true))),
        Arguments.of("a Secret left whose role is gone: removed",
            Set.of(), Set.of(), Map.of("shop", SecretState.MANAGED),
            List.of(new Step("shop", Action.REMOVE, false, true))),
        Arguments.of("a Secret the operator did not make is left alone",
            Set.of("shop"), Set.of(), Map.of("shop", SecretState.FOREIGN),
            List.of(new Step("shop", Action.LEAVE, false, false))),
        Arguments.of("... also when the namespace is done with Rewind, but its role goes",
            Set.of(), Set.of("shop"), Map.of("shop", SecretState.FOREIGN),
            List.of(new Step("shop", Action.REMOVE, true, false))),
        Arguments.of("several namespaces, in order",
            Set.of("b", "a"), Set.of("c"), Map.of("c", SecretState.MANAGED),
            List.of(new Step("a", Action.CREATE, false, false), new Step("b", Action.CREATE, false, false),
                new Step("c", Action.REMOVE, true, true))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, Set<String> inUse, Set<String> withRole, Map<String, SecretState> secrets,
      List<Step> expected) {
    assertThat(TenantPlan.plan(inUse, withRole, secrets)).isEqualTo(expected);
  }
}

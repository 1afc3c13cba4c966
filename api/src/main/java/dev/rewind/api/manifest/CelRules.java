package dev.rewind.api.manifest;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the CEL rules ({@code x-kubernetes-validations}) of the CRDs outside a cluster, with the same standard
 * CEL library (RE2 regular expressions, duration() and timestamp()) and strings extension (upperAscii(),
 * substring()) the API server offers. Rules are compiled once.
 */
final class CelRules {

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addLibraries(CelExtensions.strings())
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /**
   * True when {@code rule} holds for {@code self}. Transition rules (those reading oldSelf) concern updates of a
   * stored object and never apply to a file read once, so callers skip them.
   *
   * @throws IllegalStateException when the rule itself does not compile or fails at run time, which is a defect in
   *     the CRD, not in the user's file
   */
  boolean holds(String rule, Object self) {
    CelRuntime.Program program = programs.computeIfAbsent(rule, CelRules::compile);
    try {
      Object result = program.eval(Map.of("self", self));
      return Boolean.TRUE.equals(result);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("CEL rule failed to evaluate: " + rule + ": " + e.getMessage(), e);
    }
  }

  static boolean isTransitionRule(String rule) {
    return rule.contains("oldSelf");
  }

  private static CelRuntime.Program compile(String rule) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("CEL rule does not compile: " + rule + ": " + e.getMessage(), e);
    }
  }
}

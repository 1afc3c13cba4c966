package dev.rewind.testbed;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Resolves test parameters against {@link KubeTestBed#shared()}: {@link KubeTestBed}, the admin
 * {@link KubernetesClient}, and {@link TestNamespace @TestNamespace} {@code String} (a namespace
 * created for the current test, deleted after it). Use it through {@link KubeApiTest}.
 */
public final class KubeTestBedExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KubeTestBedExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubeTestBed.class
                || type == KubernetesClient.class
                || (type == String.class && parameter.isAnnotated(TestNamespace.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        KubeTestBed testBed = KubeTestBed.shared();
        if (type == KubeTestBed.class) {
            return testBed;
        }
        if (type == KubernetesClient.class) {
            return testBed.adminClient();
        }
        // Stored in the current context (the test method's, or the class's for @BeforeAll), which
        // closes it, and so deletes the namespace, when that context ends.
        return context.getStore(STORE)
                .computeIfAbsent(CreatedNamespace.class, key -> new CreatedNamespace(testBed, testBed.newNamespace()),
                        CreatedNamespace.class)
                .name();
    }

    private record CreatedNamespace(KubeTestBed testBed, String name) implements AutoCloseable {
        @Override
        public void close() {
            testBed.deleteNamespace(name);
        }
    }
}

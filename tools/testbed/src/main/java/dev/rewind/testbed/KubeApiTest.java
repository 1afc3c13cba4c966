package dev.rewind.testbed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the real API server of {@link KubeTestBed#shared()}: its methods
 * can take {@link KubeTestBed}, {@link io.fabric8.kubernetes.client.KubernetesClient} (the admin
 * client) and {@link TestNamespace @TestNamespace} {@code String} parameters.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeTestBedExtension.class)
@Tag("kube")
public @interface KubeApiTest {
}

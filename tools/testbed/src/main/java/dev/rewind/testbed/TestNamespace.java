package dev.rewind.testbed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter that {@link KubeTestBedExtension} fills with the name of a fresh
 * namespace (see {@link KubeTestBed#newNamespace()}). One namespace per test method, shared with
 * its {@code @BeforeEach} and {@code @AfterEach} methods, deleted after the test. Taken by a
 * {@code @BeforeAll} method, it is one namespace for the whole class, which its test methods then
 * get as well.
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface TestNamespace {
}

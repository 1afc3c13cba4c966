package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A key of a Secret in the Route's namespace. Secrets are always referenced, never written inline. */
public class SecretKeySelector {

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rewind.NAME_PATTERN)
  @JsonPropertyDescription("Name of the Secret, in the Route's namespace.")
  private String name;

  @Default("secret")
  @Size(min = 1, max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("Key within the Secret. Default: secret.")
  private String key;

  public SecretKeySelector() {}

  public SecretKeySelector(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKeySelector s && Objects.equals(name, s.name) && Objects.equals(key, s.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }
}

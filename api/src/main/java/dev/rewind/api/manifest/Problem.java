package dev.rewind.api.manifest;

/**
 * A violation located in a file: which file, which document of it, which object, then the field and what is wrong.
 */
public record Problem(String source, int document, String object, Violation violation) {

  @Override
  public String toString() {
    StringBuilder where = new StringBuilder(source);
    if (document > 0 || object != null) {
      where.append(" (");
      if (document > 0) {
        where.append("document ").append(document);
      }
      if (object != null) {
        where.append(document > 0 ? ", " : "").append(object);
      }
      where.append(")");
    }
    return where + ": " + violation;
  }
}

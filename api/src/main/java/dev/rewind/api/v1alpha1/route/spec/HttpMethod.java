package dev.rewind.api.v1alpha1.route.spec;

/** HTTP methods a Route can capture. */
public enum HttpMethod {
  GET,
  HEAD,
  POST,
  PUT,
  PATCH,
  DELETE,
  OPTIONS
}

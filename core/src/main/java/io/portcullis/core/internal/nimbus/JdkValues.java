package io.portcullis.core.internal.nimbus;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Deep copies of parsed JSON into JDK types only (String, Boolean, Long, Double, List, Map), so
 * that what goes into the session holds no library type and deserializes under a strict filter.
 * JSON nulls are dropped.
 */
public final class JdkValues {
  private JdkValues() {}

  /** Copies a JSON object. */
  public static Map<String, Object> copyObject(Map<?, ?> source) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : source.entrySet()) {
      Object v = copy(e.getValue());
      if (v != null && e.getKey() != null) {
        out.put(String.valueOf(e.getKey()), v);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static @Nullable Object copy(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof java.util.Date d) {
      return d.getTime() / 1000;
    }
    if (value instanceof Map<?, ?> m) {
      return copyObject(m);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        Object c = copy(o);
        if (c != null) {
          out.add(c);
        }
      }
      return Collections.unmodifiableList(out);
    }
    return String.valueOf(value);
  }
}

package io.portcullis.core;

import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What Portcullis keeps in the HTTP session after login, under one attribute ({@link
 * SessionStore#ATTRIBUTE}): JDK types and our own records only, never mutated in place (a change
 * is a new value, set again so replication sees it).
 *
 * @param identity the user and their tokens
 * @param logoutToken the anti-CSRF token the logout form must carry (THREATS G-12)
 * @param stepUpAsked scope sets already asked for by step-up in this session (SPEC.md
 *     "Step-up"), each as its sorted, space-separated scopes
 */
record LoginSession(Identity identity, String logoutToken, Set<String> stepUpAsked) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  LoginSession {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(logoutToken, "logoutToken");
    stepUpAsked = Set.copyOf(stepUpAsked);
  }

  LoginSession withStepUpAsked(String scopeSetKey) {
    Set<String> asked = new LinkedHashSet<>(stepUpAsked);
    asked.add(scopeSetKey);
    return new LoginSession(identity, logoutToken, asked);
  }

  @Override
  public String toString() {
    return "LoginSession[" + identity + ", logoutToken=****, stepUpAsked=" + stepUpAsked + "]";
  }
}

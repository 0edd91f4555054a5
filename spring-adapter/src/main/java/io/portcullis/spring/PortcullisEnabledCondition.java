package io.portcullis.spring;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code portcullis.issuer} and {@code portcullis.client-id} are set (in any form
 * Spring Boot's relaxed binding reads, {@code PORTCULLIS_ISSUER} included), or {@code
 * portcullis.keycloak-config-file} (whose keycloak.json gives them), and {@code portcullis.enabled}
 * is not {@code false}.
 */
final class PortcullisEnabledCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    ConditionMessage.Builder message = ConditionMessage.forCondition("Portcullis");
    String enabled = env.getProperty("portcullis.enabled", "true").trim();
    if ("false".equalsIgnoreCase(enabled)) {
      return ConditionOutcome.noMatch(message.because("portcullis.enabled is false"));
    }
    if (StringUtils.hasText(env.getProperty("portcullis.keycloak-config-file"))) {
      return ConditionOutcome.match(message.because("portcullis.keycloak-config-file is set"));
    }
    if (StringUtils.hasText(env.getProperty("portcullis.providers"))
        || StringUtils.hasText(env.getProperty("portcullis.providers[0]"))) {
      return ConditionOutcome.match(message.because("portcullis.providers is set"));
    }
    for (String required : new String[] {"portcullis.issuer", "portcullis.client-id"}) {
      if (!StringUtils.hasText(env.getProperty(required))) {
        return ConditionOutcome.noMatch(message.because(required + " is not set"));
      }
    }
    return ConditionOutcome.match(
        message.because("portcullis.issuer and portcullis.client-id are set"));
  }
}

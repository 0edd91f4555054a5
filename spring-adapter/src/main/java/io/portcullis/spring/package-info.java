/**
 * Spring Boot auto-configuration for Portcullis: {@link io.portcullis.spring.PortcullisProperties}
 * binds the configuration keys under {@code portcullis.}, {@link
 * io.portcullis.spring.PortcullisAutoConfiguration} registers the servlet filter and the beans an
 * application injects ({@link io.portcullis.spring.PortcullisAccessTokens}, the client-credentials
 * token source, {@link io.portcullis.spring.PortcullisClientCredentialsInterceptor}, and a health
 * indicator when Actuator is present).
 */
@NullMarked
package io.portcullis.spring;

import org.jspecify.annotations.NullMarked;

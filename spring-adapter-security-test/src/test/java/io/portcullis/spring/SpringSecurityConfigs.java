package io.portcullis.spring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The Spring Security configurations the tests put beside Portcullis. */
final class SpringSecurityConfigs {
  private SpringSecurityConfigs() {}

  /**
   * The README's advice: Portcullis does the login; Spring Security permits and keeps its wrapper
   * out.
   */
  @Configuration
  static class PermitAllWithoutServletApi {
    @Bean
    SecurityFilterChain portcullisDoesTheLogin(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).servletApi(s -> s.disable());
      return http.build();
    }
  }

  /** The same without {@code servletApi(disable)}: what the README warns against. */
  @Configuration
  static class PermitAllWithServletApi {
    @Bean
    SecurityFilterChain portcullisDoesTheLoginButSpringWraps(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
      return http.build();
    }
  }
}

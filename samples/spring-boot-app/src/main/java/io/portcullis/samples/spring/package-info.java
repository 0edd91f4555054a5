/**
 * The Spring Boot sample: an application protected by {@code portcullis-spring-boot-starter} alone
 * (rules in {@code application.yml}), with the legacy sample's pages as Spring MVC controllers, and
 * a demo OpenID provider started in-process unless {@code PORTCULLIS_ISSUER} names a real one.
 */
package io.portcullis.samples.spring;

/**
 * The demo OpenID provider the samples embed: anyone can log in as anyone; never use it for real.
 */
package io.portcullis.samples.provider;

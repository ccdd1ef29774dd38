/**
 * JMH benchmarks of pypiwatch's hot paths, each against a raw Jackson reference measured in the
 * same run. How to run them, and the results: {@code docs/benchmarks.md}.
 */
package dev.pypiwatch.bench;

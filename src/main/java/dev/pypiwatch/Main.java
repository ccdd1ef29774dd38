package dev.pypiwatch;

/** Entry point placeholder. */
public final class Main {
  public static void main(String[] args) {
  }
}

package dev.pypiwatch.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Content-derived ids: a UUID v5 of a fact's identifying fields, so that a repeated publication or
 * delivery of the same fact carries the same id (events' {@code ce_id}, notifications' ids).
 */
public final class Ids {
  // Name-space of pypiwatch's UUID v5 ids (itself the UUID v5 of "https://pypiwatch.dev/" in the RFC 4122 URL name-space).
  private static final UUID NAMESPACE = UUID.fromString("4062110c-9210-533d-98b6-8cff2539f150");

  private Ids() {}

  /** The id of an alert transition: fingerprint, state and date. */
  public static String alertId(Alert a) {
    return uuid5("alert|" + a.fingerprint() + '|' + a.state().wire() + '|' + a.date()).toString();
  }

  /** The id of a download fact: package, endpoint, category, date and count. */
  public static String downloadId(DownloadObservation o) {
    DownloadRecord r = o.record();
    return uuid5("download|" + r.packageName() + '|' + r.endpoint().path() + '|' + r.category() + '|'
        + r.date() + '|' + r.downloads()).toString();
  }

  /** The id of a recent fact: package, day and the three figures. */
  public static String recentId(RecentObservation o) {
    RecentDownloads r = o.recent();
    return uuid5("recent|" + r.packageName() + '|' + o.asOf() + '|' + r.lastDay() + '|' + r.lastWeek()
        + '|' + r.lastMonth()).toString();
  }

  /** RFC 4122 name-based UUID, version 5 (SHA-1), in pypiwatch's name-space. */
  public static UUID uuid5(String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
    ByteBuffer ns = ByteBuffer.allocate(16)
        .putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
    sha1.update(ns.array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50); // version 5
    h[8] = (byte) ((h[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}

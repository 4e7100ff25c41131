package com.example.template.api;

import com.example.template.config.AppConfig;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry of jobs: every {@link Job} listed in {@code META-INF/services} (written at compile
 * time by {@code @AutoService(Job.class)}), found once through {@link ServiceLoader}, in address
 * order. The node's workers, the bridge's permitted addresses, {@link JobApi#PUBLIC_ADDRESSES} and
 * {@link JobApi#REPEATABLE}, and the HTTP job routes all come from here.
 */
public final class Jobs {

  private static final List<Job> ALL = ServiceLoader.load(Job.class, Job.class.getClassLoader()).stream()
      .map(ServiceLoader.Provider::get)
      .sorted(Comparator.comparing(Job::address))
      .toList();

  static {
    Set<String> unique = ALL.stream().map(Job::address).collect(Collectors.toSet());
    if (unique.size() != ALL.size()) {
      throw new IllegalStateException("two jobs share an address: " + ALL.stream().map(Job::address).toList());
    }
  }

  private Jobs() {
  }

  /** Every job, as found (not yet given the node's settings), in address order. */
  public static List<Job> all() {
    return ALL;
  }

  /** Every job as a node runs it, with the node's job settings. */
  public static List<Job> configured(AppConfig.Jobs settings) {
    return ALL.stream().map(job -> job.configured(settings)).toList();
  }

  /** Every job's address, in address order. */
  public static List<String> addresses() {
    return ALL.stream().map(Job::address).toList();
  }

  /** The addresses of the jobs that are safe to run twice. */
  public static Set<String> repeatable() {
    return ALL.stream().filter(Job::repeatable).map(Job::address).collect(Collectors.toUnmodifiableSet());
  }
}

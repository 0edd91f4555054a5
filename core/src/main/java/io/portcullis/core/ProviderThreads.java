package io.portcullis.core;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that do provider work in the background (metadata and key loads, refreshes,
 * client-credentials tokens): {@link #THREADS} at once, at most {@link #QUEUE} more waiting.
 *
 * <p>When the queue is full, provider work (every task {@code CompletableFuture.supplyAsync} makes,
 * which is how Caffeine loads and how refreshes are started) is refused with a {@link
 * RejectedExecutionException}, which each caller turns into its "provider unavailable" answer (503,
 * or {@code unavailable} for client credentials). Other tasks (Caffeine's cache upkeep, cheap and
 * provider-free) then run on the caller. After shutdown everything is dropped quietly.
 */
final class ProviderThreads {
  /** Provider calls in parallel per engine. */
  static final int THREADS = 4;

  /** Provider tasks waiting for a thread, at most. */
  static final int QUEUE = 64;

  private ProviderThreads() {}

  /** A new pool whose daemon threads are named {@code prefix-N}. */
  static ThreadPoolExecutor create(String prefix) {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, prefix + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (task, executor) -> {
              if (executor.isShutdown()) {
                return; // after close(): background work is dropped, not reported
              }
              if (task instanceof CompletableFuture.AsynchronousCompletionTask) {
                throw new RejectedExecutionException(
                    "provider work queue full ("
                        + THREADS
                        + " threads busy, "
                        + QUEUE
                        + " tasks waiting)");
              }
              task.run();
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}

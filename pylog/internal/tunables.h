/*
 * internal/tunables.h: every size, capacity, limit and timeout of pylog in
 * one place, each with its unit and why it has its value (as spdlog's
 * tweakme.h). Each may be overridden with -D at build time; the defaults
 * are what pylog is tested with. The public limits users pass in
 * pylog_config (PYLOG_QUEUE_CAPACITY_MAX) stay in pylog.h.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_TUNABLES_H_
#define PYLOG_INTERNAL_TUNABLES_H_

/* Records (count). pylog_config_init()'s queue_capacity: the most records
 * one thread's buffer holds for delivery before that thread's statements
 * are dropped. 8192 covers a burst of several milliseconds of statements
 * while the GIL is held elsewhere. */
#ifndef PYLOG_TUNE_QUEUE_CAPACITY
#define PYLOG_TUNE_QUEUE_CAPACITY 8192
#endif

/* Bytes. pylog_config_init()'s thread_buffer_bytes: the memory of each
 * thread's buffer (made on its first queued statement, freed once the
 * thread has ended and its records are delivered). A record of a format
 * with three arguments takes about 120 bytes, so 256 KiB hold some 2000
 * of them; a thread that logs more per millisecond than that while the GIL
 * is held elsewhere drops records, and may set it higher. */
#ifndef PYLOG_TUNE_THREAD_BUFFER_BYTES
#define PYLOG_TUNE_THREAD_BUFFER_BYTES ((size_t)256 * 1024)
#endif

/* Bytes. Messages up to this size are formatted on the stack of the thread
 * that formats them (the caller, or for a deferred record the one that
 * delivers it); longer ones take one exact-size malloc. 512 holds nearly
 * every log line, and a statement's stack frame stays small enough for
 * threads with small stacks. */
#ifndef PYLOG_TUNE_MESSAGE_STACK_BYTES
#define PYLOG_TUNE_MESSAGE_STACK_BYTES 512
#endif

/* Bytes. A message formatted at the call (not deferred) longer than this
 * is kept in a malloc'd block its record points to, instead of in the
 * thread's buffer, so one long message cannot take a buffer's room. */
#ifndef PYLOG_TUNE_INLINE_TEXT_BYTES
#define PYLOG_TUNE_INLINE_TEXT_BYTES 2048
#endif

/* Milliseconds. The longest the delivery thread sleeps without being
 * woken while it is idle: statements wake it without a read-modify-write,
 * which can miss the moment it goes to sleep (worker.c), so it also looks
 * on its own, after 1 ms, then 2, 4, ... up to this while nothing comes. */
#ifndef PYLOG_TUNE_WORKER_IDLE_MAX_MS
#define PYLOG_TUNE_WORKER_IDLE_MAX_MS 1024
#endif

/* Bytes, NUL included. The name of a thread Python does not know, as the
 * application set it with pthread_setname_np (Linux allows 16) or
 * "pylog-<tid>". */
#ifndef PYLOG_TUNE_THREAD_NAME_BYTES
#define PYLOG_TUNE_THREAD_NAME_BYTES 32
#endif

/* Deliveries (nesting depth). A handler that logs through pylog, whose
 * handler logs through pylog...: records deeper than this are dropped and
 * counted, so a handler that logs about every record cannot recurse
 * without end. 3 allows a handler to log and that record's handler to log
 * once more. */
#ifndef PYLOG_TUNE_MAX_DEPTH
#define PYLOG_TUNE_MAX_DEPTH 3
#endif

/* Records. The delivery thread lets the GIL go after this many, so Python
 * threads are not starved by a long queue; 64 records take well under a
 * millisecond with plain handlers, below the interpreter's own 5 ms
 * switch interval. */
#ifndef PYLOG_TUNE_DELIVERY_BATCH
#define PYLOG_TUNE_DELIVERY_BATCH 64
#endif

/* Seconds. How long interpreter exit waits for the delivery thread to
 * finish the record it is in; past it the thread (stuck in a handler) is
 * left behind rather than hang the exit. */
#ifndef PYLOG_TUNE_JOIN_SECONDS
#define PYLOG_TUNE_JOIN_SECONDS 10
#endif

/* Milliseconds. pylog_config_init()'s flush_stall_ms: pylog_flush() waits
 * for the records queued before it as long as their delivery makes
 * progress; when no record at all is finished for this long (a handler
 * stuck, or waiting for a lock the flushing thread holds), it returns
 * PYLOG_ERR_FLUSH_STALLED instead of waiting for ever. Generous: a slow
 * handler on a loaded machine still finishes a record within 10 s. */
#ifndef PYLOG_TUNE_FLUSH_STALL_MS
#define PYLOG_TUNE_FLUSH_STALL_MS 10000
#endif

/* Origins. Distinct (target, file, line, function) origins pylog_vlog
 * keeps a cache slot for (about 100 bytes each); calls from further
 * origins are counted as errors and dropped. 65536 is far beyond the
 * call sites of any real extension, and bounds a caller that passes
 * generated file names. */
#ifndef PYLOG_TUNE_DYNAMIC_SITES_MAX
#define PYLOG_TUNE_DYNAMIC_SITES_MAX 65536
#endif

#endif /* PYLOG_INTERNAL_TUNABLES_H_ */

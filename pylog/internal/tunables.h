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

/* Records (count). pylog_config_init()'s queue_capacity: records the AUTO
 * queue holds for threads without the GIL before it drops. 8192 covers a
 * burst of several milliseconds of statements from a few busy threads
 * while the GIL is held elsewhere, at 8 bytes of ring per record. */
#ifndef PYLOG_TUNE_QUEUE_CAPACITY
#define PYLOG_TUNE_QUEUE_CAPACITY 8192
#endif

/* Bytes. Messages up to this size are formatted on the calling thread's
 * stack; longer ones take one exact-size malloc. 512 holds nearly every log
 * line, and a statement's stack frame stays small enough for threads with
 * small stacks. */
#ifndef PYLOG_TUNE_MESSAGE_STACK_BYTES
#define PYLOG_TUNE_MESSAGE_STACK_BYTES 512
#endif

/* Bytes and blocks. Queued records that fit in a block are copied into a
 * pool of PYLOG_TUNE_POOL_BLOCKS blocks of PYLOG_TUNE_POOL_BLOCK_BYTES
 * (256 KiB in all, made at the first install, never freed) instead of
 * malloc'd on one thread and freed on another. 256 bytes hold a record with
 * a typical message; larger ones, and records that find the pool empty,
 * are malloc'd. */
#ifndef PYLOG_TUNE_POOL_BLOCK_BYTES
#define PYLOG_TUNE_POOL_BLOCK_BYTES 256
#endif
#ifndef PYLOG_TUNE_POOL_BLOCKS
#define PYLOG_TUNE_POOL_BLOCKS 1024
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

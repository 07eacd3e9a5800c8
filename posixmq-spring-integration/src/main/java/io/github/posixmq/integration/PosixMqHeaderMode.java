package io.github.posixmq.integration;

/** What crosses a queue besides the payload bytes and the priority. */
public enum PosixMqHeaderMode {

    /** Only the payload bytes (and the kernel's priority): what C, Python and Rust peers read and write. The default. */
    RAW,

    /**
     * Selected headers embedded before the payload in Spring Integration's embedded-headers format
     * ({@link PosixMqEmbeddedHeaders}); both ends must use it.
     */
    EMBEDDED
}

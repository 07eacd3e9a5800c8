package io.github.posixmq.integration.dispatch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqSelector;
import io.github.posixmq.QueueClosedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One queue registered with a {@link PosixMqDispatcher}: its receive permits ({@link Permit}, {@code concurrency} of
 * them), its selector key ({@code ONE_SHOT}: armed while a permit is free) and its lifecycle. Permits are taken by the
 * selector thread when the queue is ready and given back by the worker when it leaves the queue (see {@link Permit}).
 */
final class QueueDispatch implements PosixMqDispatcher.Registration {

    private static final Log logger = LogFactory.getLog(QueueDispatch.class);

    /** What a receive returns here when the descriptor was closed (recovery may have replaced it). */
    static final int CLOSED = Integer.MIN_VALUE;

    /** Pause after an unexpected receive failure before trying again. */
    private static final Duration RECEIVE_RETRY = Duration.ofSeconds(1);

    private static final int INTEREST = PosixMqSelector.READABLE | PosixMqSelector.ONE_SHOT;

    private final PosixMqDispatcher.Receiver receiver;

    private final SelectorLoop loop;

    private final PosixMqDispatcher dispatcher;

    private final String queueName;

    private final ArrayDeque<Permit> free = new ArrayDeque<>();

    private final int concurrency;

    private int inHand;

    private boolean armed;

    private volatile boolean active = true;

    private boolean ended;

    private volatile PosixMqSelector.@Nullable Key key;

    private boolean rejectedLogged;

    /** Permits whose worker lingers now (for tests). */
    private final AtomicInteger lingering = new AtomicInteger();

    QueueDispatch(PosixMqDispatcher.Receiver receiver, SelectorLoop loop, PosixMqDispatcher dispatcher) {
        this.receiver = receiver;
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.queueName = receiver.queue().queueName();
        this.concurrency = receiver.concurrency();
    }

    /** Allocates the permits and watches the queue (caller's thread). */
    void start() {
        int size = (int) this.receiver.queue().get().maxMessageSize();
        for (int i = 0; i < this.concurrency; i++) {
            this.free.push(new Permit(this, i, this.receiver.buffers().buffer(this.queueName, i, size)));
        }
        this.loop.add(this);
        PosixMqSelector.Key registered;
        try {
            registered = this.receiver.queue().execute((mq) -> this.loop.selector().register(mq, INTEREST, this));
        }
        catch (RuntimeException ex) {
            this.loop.remove(this);
            throw ex;
        }
        synchronized (this) {
            if (this.key == null) { // else the selector thread saw it first (onReady)
                this.key = registered;
                this.armed = true;
            }
        }
    }

    boolean isActive() {
        return this.active;
    }

    PosixMqDispatcher.Receiver receiver() {
        return this.receiver;
    }

    String queueName() {
        return this.queueName;
    }

    WorkerPool pool() {
        return this.dispatcher.workers();
    }

    PosixMqSelector.@Nullable Key currentKey() {
        return this.key;
    }

    /**
     * Whether a queue of this queue's selector is ready and not received from yet (or the selector has work pending):
     * what a worker keeping this queue looks at now and then.
     */
    boolean othersReady() {
        try {
            return this.loop.selector().hasReady();
        }
        catch (RuntimeException ex) {
            return true;
        }
    }

    /** Whether the calling thread is this queue's selector thread. */
    boolean onSelectorThread() {
        return this.loop.isCurrentThread();
    }

    /** How a worker of this queue lingers (the dispatcher's setting). */
    PosixMqDispatcher.Linger linger() {
        return this.dispatcher.linger();
    }

    /** Whether a worker may go on lingering: the registration is active and the dispatcher open. */
    boolean mayLinger() {
        return this.active && !this.dispatcher.isClosed();
    }

    /** A worker of this queue starts ({@code 1}) or ends ({@code -1}) lingering. */
    void lingering(int delta) {
        this.lingering.addAndGet(delta);
    }

    /** The permits whose worker lingers now (for tests). */
    int lingering() {
        return this.lingering.get();
    }

    boolean hasValidKey() {
        PosixMqSelector.Key current = this.key;
        return current != null && current.isValid();
    }

    // ---------------------------------------------------------------- selector thread

    /** The queue is ready: receive one message into a free permit and hand it to a worker. */
    void onReady(PosixMqSelector.Key ready) {
        Permit permit;
        synchronized (this) {
            if (this.key == null) {
                this.key = ready; // reported before start() stored it
            }
            if (ready != this.key) {
                return;
            }
            this.armed = false;
            if (!this.active || this.free.isEmpty()) {
                return;
            }
            permit = this.free.pop();
            this.inHand++;
        }
        int priority;
        try {
            priority = permit.receive(ready.queue());
        }
        catch (RuntimeException ex) {
            logger.error(this.receiver.owner() + ": failed to receive from queue " + this.queueName
                    + "; trying again in " + RECEIVE_RETRY.toMillis() + "ms", ex);
            giveBack(permit, false);
            this.loop.retryLater(this, RECEIVE_RETRY);
            return;
        }
        if (priority == CLOSED) {
            giveBack(permit, false);
            check();
            return;
        }
        if (priority == PosixMq.NO_MESSAGE) {
            giveBack(permit, true); // another receiver took it first
            return;
        }
        submit(permit, priority);
        boolean again;
        synchronized (this) {
            again = this.active && !this.armed && !this.free.isEmpty();
            if (again) {
                this.armed = true;
            }
        }
        if (again) {
            rearm();
        }
    }

    private void submit(Permit permit, int priority) {
        permit.received(priority);
        if (!pool().submit(permit)) {
            if (!this.rejectedLogged) {
                this.rejectedLogged = true;
                logger.warn(this.receiver.owner() + ": the worker executor rejected a message of queue "
                        + this.queueName + "; it is handled on the selector thread (size the executor for the sum of "
                        + "the queues' concurrency)");
            }
            permit.handle(false);
        }
    }

    /** Looks at the key again: follows a descriptor the supplier switched to, or ends when the queue was closed. */
    void check() {
        PosixMqSelector.Key current;
        synchronized (this) {
            if (!this.active) {
                return;
            }
            current = this.key;
        }
        if (current != null && current.isValid()) {
            boolean again;
            synchronized (this) {
                again = !this.armed && !this.free.isEmpty();
                if (again) {
                    this.armed = true;
                }
            }
            if (again) {
                rearm();
            }
            return;
        }
        PosixMq now = this.receiver.queue().get();
        if (now.isClosed() || (current != null && now == current.queue())) {
            logger.error(this.receiver.owner() + ": queue " + this.queueName + " was closed while the adapter was "
                    + "running; it receives no more");
            stop();
            return;
        }
        PosixMqSelector.Key registered;
        try {
            registered = this.loop.selector().register(now, INTEREST, this);
        }
        catch (QueueClosedException ex) {
            this.loop.check(this); // switched again meanwhile
            return;
        }
        synchronized (this) {
            this.key = registered;
            this.armed = true;
        }
    }

    /** Called by the selector thread when a delayed retry is due. */
    void retry() {
        synchronized (this) {
            if (!this.active || this.armed) {
                return;
            }
        }
        check();
    }

    void restarted(String why) {
        if (this.active) {
            this.receiver.restarted(why);
        }
    }

    // ---------------------------------------------------------------- any thread

    /** Re-arms the key; when that fails (descriptor closed or key cancelled) the selector thread looks at it. */
    private void rearm() {
        PosixMqSelector.Key current = this.key;
        boolean done;
        try {
            done = current != null && current.rearm();
        }
        catch (RuntimeException ex) {
            logger.warn(this.receiver.owner() + ": cannot watch queue " + this.queueName + " again; retrying", ex);
            done = false;
        }
        if (!done) {
            synchronized (this) {
                this.armed = false;
            }
            if (this.active) {
                this.loop.check(this);
            }
        }
    }

    /** Gives {@code permit} back after its message (or none); re-arms the key when {@code watch} and active. */
    void giveBack(Permit permit, boolean watch) {
        boolean again = false;
        boolean end = false;
        synchronized (this) {
            this.inHand--;
            this.free.push(permit);
            if (this.active) {
                again = watch && !this.armed;
                if (again) {
                    this.armed = true;
                }
            }
            else if (this.inHand == 0 && !this.ended) {
                this.ended = true;
                end = true;
            }
        }
        if (again) {
            rearm();
        }
        if (end) {
            ended();
        }
    }

    // ---------------------------------------------------------------- registration

    @Override
    public void stop() {
        boolean end;
        PosixMqSelector.Key current;
        synchronized (this) {
            if (!this.active) {
                return;
            }
            this.active = false;
            current = this.key;
            end = this.inHand == 0 && !this.ended;
            if (end) {
                this.ended = true;
            }
        }
        if (current != null) {
            current.cancel();
        }
        this.loop.remove(this);
        if (end) {
            ended();
        }
    }

    private void ended() {
        try {
            this.receiver.ended();
        }
        catch (RuntimeException ex) {
            logger.error(this.receiver.owner() + ": failed to report the end of its receivers", ex);
        }
    }

    @Override
    public synchronized int receivers() {
        if (this.active) {
            return this.loop.isAlive() ? this.concurrency : 0;
        }
        return this.inHand;
    }

    @Override
    public synchronized boolean isEnded() {
        return this.ended;
    }

    @Override
    public synchronized int inHand() {
        return this.inHand;
    }

    @Override
    public String toString() {
        return "QueueDispatch[" + this.receiver.owner() + "]";
    }
}

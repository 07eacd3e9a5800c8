package io.github.posixmq.integration;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;

/** Calls several {@link PosixMqOperationListener}s in order; one that throws does not stop the others. */
public final class CompositePosixMqOperationListener implements PosixMqOperationListener {

    private static final Log logger = LogFactory.getLog(CompositePosixMqOperationListener.class);

    private final List<PosixMqOperationListener> listeners;

    private CompositePosixMqOperationListener(List<PosixMqOperationListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * {@link PosixMqOperationListener#NOOP} for none, else a composite that calls each in order and shields the
     * caller from a listener that throws.
     */
    public static PosixMqOperationListener of(List<? extends PosixMqOperationListener> listeners) {
        if (listeners.isEmpty()) {
            return PosixMqOperationListener.NOOP;
        }
        return new CompositePosixMqOperationListener(List.copyOf(listeners));
    }

    /**
     * The {@link PosixMqOperationListener} beans of {@code beanFactory} in order, as one listener
     * ({@link PosixMqOperationListener#NOOP} when there are none or {@code beanFactory} cannot list beans).
     */
    public static PosixMqOperationListener ofBeans(@Nullable BeanFactory beanFactory) {
        if (beanFactory instanceof ListableBeanFactory listable) {
            return of(listable.getBeanProvider(PosixMqOperationListener.class));
        }
        return PosixMqOperationListener.NOOP;
    }

    /** The listener beans {@code beans} provides, in order, as one listener. */
    public static PosixMqOperationListener of(ObjectProvider<? extends PosixMqOperationListener> beans) {
        return of(beans.orderedStream().toList());
    }

    @Override
    public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onSend(queueName, durationNanos, failure);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onSend", ex);
            }
        }
    }

    @Override
    public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onReceive(queueName, durationNanos, failure);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onReceive", ex);
            }
        }
    }

    @Override
    public void onDrop(String queueName, int priority, int size) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onDrop(queueName, priority, size);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onDrop", ex);
            }
        }
    }

    @Override
    public void onRecoveredLengthInferred(String queueName, int priority, int size) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onRecoveredLengthInferred(queueName, priority, size);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onRecoveredLengthInferred", ex);
            }
        }
    }

    @Override
    public void onReceiverRestart(String queueName) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onReceiverRestart(queueName);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onReceiverRestart", ex);
            }
        }
    }

    @Override
    public void onDeadLetter(String queueName, String deadLetterQueueName, int priority, int size) {
        for (PosixMqOperationListener listener : this.listeners) {
            try {
                listener.onDeadLetter(queueName, deadLetterQueueName, priority, size);
            }
            catch (RuntimeException ex) {
                logger.warn("PosixMqOperationListener " + listener + " failed in onDeadLetter", ex);
            }
        }
    }
}

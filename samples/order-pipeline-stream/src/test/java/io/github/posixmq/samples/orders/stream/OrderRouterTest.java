package io.github.posixmq.samples.orders.stream;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The priority of an order as each binder hands it over, and hostile values (priority 0). */
class OrderRouterTest {

    @Test
    void aNumberIsThePriorityAsPosixQueuesAndRabbitMqGiveIt() {
        assertThat(OrderRouter.priority(7)).isEqualTo(7);
        assertThat(OrderRouter.priority(7L)).isEqualTo(7);
        assertThat(OrderRouter.priority(null)).isZero();
    }

    @Test
    void decimalTextIsThePriorityAsAKafkaRecordHeaderCarriesIt() {
        assertThat(OrderRouter.priority("7".getBytes(StandardCharsets.US_ASCII))).isEqualTo(7);
        assertThat(OrderRouter.priority("32767")).isEqualTo(32767);
    }

    @Test
    void anythingElseIsPriorityZero() {
        for (Object hostile : new Object[] { "-1", "32768", "1e300000000", "", " 7", "99999999999999999999", "७",
                -5, Long.MAX_VALUE, 3.5e300, new Object(), new byte[] { (byte) 0xff } }) {
            assertThat(OrderRouter.priority(hostile)).as("%s", hostile).isZero();
        }
    }
}

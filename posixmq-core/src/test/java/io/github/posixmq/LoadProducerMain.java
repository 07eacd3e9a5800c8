package io.github.posixmq;

import java.nio.charset.StandardCharsets;

/**
 * Child JVM of {@link LoadTest}: a producer process. Waits for commands on its control queue ({@code send N} or
 * {@code exit}); for {@code send N} it sends its next N {@link LoadMessages} and then acknowledges with
 * {@code done <id> <next sequence>} on the ack queue.
 * Arguments: data queue, control queue, ack queue, producer id, max payload.
 */
final class LoadProducerMain {

    private LoadProducerMain() {
    }

    public static void main(String[] args) {
        ChildJvm.exitWhenParentGoes();
        int id = Integer.parseInt(args[3]);
        int maxPayload = Integer.parseInt(args[4]);
        try (PosixMq data = OpenOptions.writeOnly().open(args[0]);
                PosixMq control = OpenOptions.readOnly().open(args[1]);
                PosixMq acks = OpenOptions.writeOnly().open(args[2])) {
            long seq = 0;
            while (true) {
                String command = control.receive().utf8();
                if (command.equals("exit")) {
                    return;
                }
                long count = Long.parseLong(command.substring("send ".length()));
                for (long end = seq + count; seq < end; seq++) {
                    data.send(LoadMessages.encode(id, seq, maxPayload), LoadMessages.priority(id, seq));
                }
                acks.send(("done " + id + " " + seq).getBytes(StandardCharsets.UTF_8), 0);
            }
        }
    }
}

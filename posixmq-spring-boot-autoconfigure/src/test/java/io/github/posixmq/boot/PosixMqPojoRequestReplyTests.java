package io.github.posixmq.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.integration.annotation.ServiceActivator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POJO request/reply through Boot properties on both sides, as docs/spring-boot.md shows it: the replier declares
 * its gateway in YAML ({@code inbound.gateway: true}) and answers with a POJO; the requester calls
 * {@link PosixMqTemplate#convertSendAndReceive}. The YAML is the documentation's, read from
 * {@code request-reply/*.yml}, which the docs must contain verbatim; only the queue name is made unique.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqPojoRequestReplyTests {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    /** What the requester sends. */
    public record QuoteRequest(String item, int quantity) {
    }

    /** What the replier answers. */
    public record Quote(String item, int quantity, long priceCents) {
    }

    /** The replier's handler: a POJO in, a POJO out. */
    @Configuration(proxyBeanMethods = false)
    static class QuoteService {

        @ServiceActivator(inputChannel = "quoteRequests")
        public Quote quote(QuoteRequest request) {
            return new Quote(request.item(), request.quantity(), 250L * request.quantity());
        }
    }

    private static ApplicationContextRunner fromYaml(String resource, String queueName) {
        return TestQueues.integrationRunner().withInitializer((ConfigurableApplicationContext context) -> {
            try {
                new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource))
                    .forEach(source -> context.getEnvironment().getPropertySources().addLast(source));
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }).withPropertyValues("posixmq.queues.quotes.name=" + queueName, "posixmq.queues.quotes.capacity=10",
                "posixmq.queues.quotes.max-message-size=1024");
    }

    @Test
    void aPojoRequestGetsAPojoReplyThroughBootPropertiesOnBothSides(CapturedOutput output) {
        String name = "/" + this.queues.key("quotes");
        fromYaml("request-reply/replier.yml", name).withUserConfiguration(QuoteService.class)
            .withPropertyValues("posixmq.queues.quotes.remove-on-shutdown=true")
            .run(replier -> {
                assertThat(replier).hasNotFailed().hasBean("posixmq.quotes.inbound-gateway");
                fromYaml("request-reply/requester.yml", name).run(requester -> {
                    assertThat(requester).hasNotFailed();
                    PosixMqTemplate template = requester.getBean(PosixMqTemplate.class);
                    // the docs' snippet
                    Quote quote = template.convertSendAndReceive("quotes", new QuoteRequest("lamp", 3), Quote.class,
                            Duration.ofSeconds(5));
                    assertThat(quote).isEqualTo(new Quote("lamp", 3, 750));
                    // many callers at once, each gets its own answer
                    for (int i = 1; i <= 20; i++) {
                        assertThat(template.convertSendAndReceive("quotes", new QuoteRequest("pen", i), Quote.class,
                                Duration.ofSeconds(5))).isEqualTo(new Quote("pen", i, 250L * i));
                    }
                });
            });
        // the template's reply receiver has no dead-letter queue by design: no warning about it
        assertThat(output.getAll().lines().filter(line -> line.contains("has no dead-letter queue")))
            .noneMatch(line -> line.contains(".reply") || line.contains("replies"));
    }

    @Test
    void theDocsShowTheseFilesVerbatim() throws IOException {
        String docs = Files.readString(Path.of("../docs/spring-boot.md"), StandardCharsets.UTF_8);
        for (String file : new String[] { "replier.yml", "requester.yml" }) {
            String yaml = new String(new ClassPathResource("request-reply/" + file).getContentAsByteArray(),
                    StandardCharsets.UTF_8);
            assertThat(docs).as("docs/spring-boot.md contains request-reply/" + file).contains(yaml);
        }
        assertThat(docs).contains("Quote quote = template.convertSendAndReceive(\"quotes\", new QuoteRequest(\"lamp\", 3), "
                + "Quote.class,", "@ServiceActivator(inputChannel = \"quoteRequests\")",
                "public Quote quote(QuoteRequest request) {");
    }
}

package io.github.posixmq.buildcheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every POM the build installs for users (the parent, the BOM and each module not marked
 * {@code posixmq.unpublished}) carries, itself or through its parent, what Maven Central requires: {@code <url>},
 * {@code <description>}, {@code <licenses>}, {@code <developers>} and {@code <scm>}. Read from the POM files the
 * build installs as they are (no flattening), walking {@code <parent>} as Maven does. The URL and SCM of the parent
 * are not extended by each module's path.
 */
class PublishedPomsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final List<String> REQUIRED = List.of("url", "description", "licenses", "developers", "scm");

    @Test
    void everyPublishedPomCarriesLicenseScmDevelopersUrlAndDescription() throws Exception {
        List<Path> published = publishedPoms();
        assertThat(published).extracting(p -> ROOT.relativize(p).toString())
                .contains("pom.xml", "posixmq-bom/pom.xml", "posixmq-core/pom.xml", "posixmq-spring-boot-starter/pom.xml");
        List<String> missing = new ArrayList<>();
        for (Path pom : published) {
            for (String element : REQUIRED) {
                if (inherited(pom, element) == null) {
                    missing.add(ROOT.relativize(pom) + " has no <" + element + "> (nor its parent)");
                }
            }
            Element license = inherited(pom, "licenses");
            if (license != null && !license.getTextContent().contains("Apache License, Version 2.0")) {
                missing.add(ROOT.relativize(pom) + ": <licenses> does not name the Apache License, Version 2.0");
            }
        }
        assertThat(missing).as("published POMs").isEmpty();
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    }

    @Test
    void inheritedUrlAndScmAreNotExtendedByTheModulePath() throws Exception {
        Element root = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        assertThat(root.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
        Element scm = child(root, "scm");
        assertThat(scm).isNotNull();
        assertThat(scm.getAttribute("child.scm.connection.inherit.append.path")).isEqualTo("false");
        assertThat(scm.getAttribute("child.scm.developerConnection.inherit.append.path")).isEqualTo("false");
        assertThat(scm.getAttribute("child.scm.url.inherit.append.path")).isEqualTo("false");
    }

    private static List<Path> publishedPoms() throws Exception {
        List<Path> poms = new ArrayList<>();
        poms.add(ROOT.resolve("pom.xml"));
        Element modules = child(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "modules");
        assertThat(modules).isNotNull();
        for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element module) {
                Path pom = ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml").normalize();
                if (!"true".equals(property(pom, "posixmq.unpublished"))
                        && !"true".equals(property(pom, "maven.install.skip"))) {
                    poms.add(pom);
                }
            }
        }
        return poms;
    }

    private static Element inherited(Path pom, String name) throws Exception {
        Element project = parse(pom).getDocumentElement();
        Element own = child(project, name);
        if (own != null && !own.getTextContent().isBlank()) {
            return own;
        }
        Element parent = child(project, "parent");
        if (parent == null) {
            return null;
        }
        Element relative = child(parent, "relativePath");
        Path parentPom = pom.getParent().resolve(relative != null ? relative.getTextContent().trim() : "../pom.xml");
        if (Files.isDirectory(parentPom)) {
            parentPom = parentPom.resolve("pom.xml");
        }
        return Files.exists(parentPom) ? inherited(parentPom.normalize(), name) : null;
    }

    private static String property(Path pom, String name) throws Exception {
        Element properties = child(parse(pom).getDocumentElement(), "properties");
        Element value = properties != null ? child(properties, name) : null;
        return value != null ? value.getTextContent().trim() : null;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }
}

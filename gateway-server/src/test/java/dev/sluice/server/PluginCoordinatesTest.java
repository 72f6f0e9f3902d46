package dev.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.api.PluginApi;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The coordinates a third party builds against are the plugin API's version: the plugin parent,
 * the API and the test kit are published at it, the example plugin uses it, and the plugin parent
 * pins what the gateway provides (PF4J, Jackson, SLF4J) at the gateway's own versions. Maven cannot
 * take a version from a property, so the number is written in several POMs; this holds them together.
 */
class PluginCoordinatesTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void thePublishedPluginArtifactsCarryThePluginApiVersion() throws Exception {
        Element root = pom("pom.xml");
        Element parent = pom("plugin-parent/pom.xml");
        String api = property(root, "sluice.plugin-api.version");
        assertEquals(PluginApi.version(), api, "the API the gateway runs is the one the root POM names");
        assertEquals(api, text(parent, "version"), "plugin-parent/pom.xml's version");
        assertEquals(api, property(parent, "sluice.plugin-api.version"), "plugin-parent/pom.xml's API version");
        for (String module : List.of("plugin-api/pom.xml", "plugins/testkit/pom.xml",
                "plugins/examples/acme-provider/pom.xml")) {
            Element parentOf = (Element) pom(module).getElementsByTagName("parent").item(0);
            assertEquals("sluice-plugin-parent", text(parentOf, "artifactId"), module);
            assertEquals(api, text(parentOf, "version"), module + " builds on the plugin parent of the API version");
        }
        for (String provided : List.of("version.pf4j", "version.jackson", "version.slf4j", "version.junit")) {
            assertEquals(property(root, provided), property(parent, provided),
                    provided + ": plugins compile against what the gateway ships");
        }
    }

    private static Element pom(String path) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve(path).toFile());
        return document.getDocumentElement();
    }

    private static String property(Element project, String name) {
        return text((Element) project.getElementsByTagName("properties").item(0), name);
    }

    /** @return the text of the element's direct child of that name */
    private static String text(Element element, String child) {
        for (var node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element each && each.getTagName().equals(child)) {
                return each.getTextContent().trim();
            }
        }
        throw new AssertionError("no <" + child + "> in <" + element.getTagName() + ">");
    }
}

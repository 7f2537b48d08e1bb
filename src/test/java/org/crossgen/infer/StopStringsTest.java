package org.crossgen.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's output cleaning: {@code generation.strip().split("\n\n")[0]}. */
class StopStringsTest {
    static final List<String> BLANK_LINE = List.of("\n\n");

    @Test
    void stripsBeforeCuttingSoALeadingBlankLineDoesNotEmptyTheAnswer() {
        assertEquals("A summary.", StopStrings.clean("\n\n A summary.\n\nNext text", BLANK_LINE));
        assertEquals("", StopStrings.cut("\n\n A summary.\n\nNext text", BLANK_LINE)); // the old behaviour
        assertEquals("one\ntwo", StopStrings.clean("one\ntwo  \n", BLANK_LINE));
        assertEquals("keep ", StopStrings.clean("keep \n\nrest", BLANK_LINE)); // Python: "keep \n\nrest".strip().split("\n\n")[0]
        assertEquals("", StopStrings.clean(" \n\n \n", BLANK_LINE));
    }

    @Test
    void generationStopsOnlyAtABlankLineAfterTheLeadingWhitespace() {
        assertFalse(StopStrings.stops("\n\n", BLANK_LINE));
        assertFalse(StopStrings.stops("\n\n A summary", BLANK_LINE));
        assertTrue(StopStrings.stops("\n\n A summary\n\n", BLANK_LINE));
        assertTrue(StopStrings.stops("A summary\n\n", BLANK_LINE));
    }
}

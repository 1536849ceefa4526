package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MethodSpecTest {
  @Test
  void parsesVanilla() {
    MethodSpec s = MethodSpec.parse("vanilla");
    assertSame(DropMethod.VANILLA, s.method());
    assertEquals(DropSchedule.NONE, s.schedule(32));
    assertEquals("vanilla", s.expanded(32));
  }

  @Test
  void parsesExplicitStages() {
    MethodSpec s = MethodSpec.parse("pdrop@8:0.5,16:0.5,24:0.5");
    assertSame(DropMethod.PDROP, s.method());
    assertEquals(List.of(new Stage(8, 0.5), new Stage(16, 0.5), new Stage(24, 0.5)), s.stages());
    assertEquals("pdrop@8:0.5,16:0.5,24:0.5", s.expanded(32));
    assertSame(PositionRule.RENUMBER, DropMethod.PDROP.positionRule());
    for (DropMethod m : List.of(DropMethod.V2DROP, DropMethod.FASTV, DropMethod.RANDOM)) {
      assertSame(PositionRule.KEEP_ORIGINAL, m.positionRule(), m.id());
    }
    assertEquals("v2drop@2:0.5,4:0", MethodSpec.parse("v2drop@2:0.5,4:0.0").expanded(6));
    assertEquals("random@1:1", MethodSpec.parse(" random@1:1 ").expanded(6));
  }

  @Test
  void expandsPresetsToTheModelDepth() {
    MethodSpec s = MethodSpec.parse("v2drop@llava-192");
    assertSame(Preset.LLAVA_192, s.preset());
    assertEquals("v2drop@3:0.5,17:0.5,22:0", s.expanded(32));
    assertEquals("v2drop@3:0.5,4:0.5,5:0", s.expanded(6));
    assertEquals("v2drop@3:0.27,5:0.27,6:0", MethodSpec.parse("v2drop@llava-128").expanded(8));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty",
        "fastdrop@2:0.5|unknown method 'fastdrop'",
        "vanilla@2:0.5|vanilla takes no schedule",
        "v2drop|needs a schedule",
        "v2drop@|needs a schedule",
        "v2drop@2|is not <layer>:<ratio>",
        "v2drop@llava-100|is not <layer>:<ratio> and 'llava-100' is not a preset",
        "v2drop@x:0.5|layer 'x' is not an integer",
        "v2drop@2:half|ratio 'half' is not a number",
        "v2drop@0:0.5|layer 0 must be >= 1",
        "v2drop@2:1.5|ratio 1.5 is outside [0, 1]",
        "v2drop@2:-0.1|ratio -0.1 is outside [0, 1]",
        "v2drop@2:NaN|ratio NaN is outside [0, 1]",
        "v2drop@4:0.5,4:0.5|strictly increasing",
        "v2drop@5:0.5,3:0.5|strictly increasing",
        "fastv@2:0.5,4:0.5|fastv drops once",
        "fastv@llava-192|fastv drops once",
        "v2drop@2:0.5,|is not <layer>:<ratio>"
      })
  void rejectsMalformedSpecs(String spec, String problem) {
    MethodSpecException e = assertThrows(MethodSpecException.class, () -> MethodSpec.parse(spec));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("invalid method spec '" + spec + "'"), e.getMessage());
  }

  @Test
  void rejectsLayersBeyondTheModel() {
    MethodSpec s = MethodSpec.parse("v2drop@3:0.5,32:0.5");
    MethodSpecException e = assertThrows(MethodSpecException.class, () -> s.schedule(32));
    assertTrue(e.getMessage().contains("layer 32 is out of range [1, 32)"), e.getMessage());
    assertEquals(2, s.schedule(33).stages().size());
  }

  @Test
  void rejectsPresetsThatCannotBeScaled() {
    MethodSpecException e =
        assertThrows(
            MethodSpecException.class, () -> MethodSpec.parse("v2drop@llava-64").schedule(3));
    assertTrue(e.getMessage().contains("cannot be scaled to 3 layers"), e.getMessage());
  }

  @Test
  void vanillaHasNoPreset() {
    assertNull(MethodSpec.parse("vanilla").preset());
  }
}

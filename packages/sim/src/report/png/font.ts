/**
 * A 5×8 bitmap font for printable ASCII (32–126), in the layout of the classic HD44780 / Adafruit GFX
 * "glcd" font: each glyph is five column bytes, bit 0 the top row, rows 0–6 above the baseline and row 7
 * the descender (g, j, p, q, y, comma). Column-major bytes keep the whole table to 95 short strings; a
 * vendored TTF rasteriser would be far more code than a chart's labels need.
 *
 * Characters outside the table are drawn as '?', so a label with '×' or 'µ' still renders.
 */

/** Glyph cell, in font pixels, before scaling. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 8;
/** Horizontal advance per character: the glyph plus one blank column. */
export const GLYPH_ADVANCE = GLYPH_WIDTH + 1;

const FIRST_CODE = 32;

// One entry per character from ' ' (32) to '~' (126): five column bytes as ten hex digits.
const GLYPHS: readonly string[] = [
  '0000000000', '00005f0000', '0007000700', '147f147f14', '242a7f2a12', // space ! " # $
  '2313086462', '3649562050', '0005030000', '001c224100', '0041221c00', // % & ' ( )
  '2a1c7f1c2a', '08083e0808', '0080703000', '0808080808', '0000606000', // * + , - .
  '2010080402', '3e5149453e', '00427f4000', '4261514946', '2141454b31', // / 0 1 2 3
  '1814127f10', '2745454539', '3c4a494930', '0171090503', '3649494936', // 4 5 6 7 8
  '064949291e', '0036360000', '0056360000', '0814224100', '1414141414', // 9 : ; < =
  '0041221408', '0201510906', '3e415d594e', '7c1211127c', '7f49494936', // > ? @ A B
  '3e41414122', '7f4141413e', '7f49494941', '7f09090901', '3e41415173', // C D E F G
  '7f0808087f', '00417f4100', '2040413f01', '7f08142241', '7f40404040', // H I J K L
  '7f021c027f', '7f0408107f', '3e4141413e', '7f09090906', '3e4151215e', // M N O P Q
  '7f09192946', '2649494932', '03017f0103', '3f4040403f', '1f2040201f', // R S T U V
  '3f4038403f', '6314081463', '0304780403', '6159494d43', '007f414141', // W X Y Z [
  '0204081020', '004141417f', '0402010204', '4040404040', '0001020400', // \ ] ^ _ `
  '2054547840', '7f28444438', '3844444428', '384444287f', '3854545418', // a b c d e
  '00087e0902', '18a4a49c78', '7f08040478', '00447d4000', '2040403d00', // f g h i j
  '7f10284400', '00417f4000', '7c04780478', '7c08040478', '3844444438', // k l m n o
  'fc18242418', '18242418fc', '7c08040408', '4854545424', '04043f4424', // p q r s t
  '3c4040207c', '1c2040201c', '3c4030403c', '4428102844', '4c9090907c', // u v w x y
  '4464544c44', '0008364100', '00007f0000', '0041360800', '0201020402', // z { | } ~
];

const FALLBACK = '?'.charCodeAt(0);

/** The five column bytes of `code`'s glyph ('?' for anything outside 32–126). */
export function glyphColumns(code: number): readonly number[] {
  const hex = GLYPHS[code - FIRST_CODE] ?? GLYPHS[FALLBACK - FIRST_CODE] ?? '';
  return COLUMN_CACHE.get(hex) ?? decode(hex);
}

const COLUMN_CACHE = new Map<string, readonly number[]>();

function decode(hex: string): readonly number[] {
  const columns: number[] = [];
  for (let i = 0; i < GLYPH_WIDTH; i++) columns.push(parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0);
  COLUMN_CACHE.set(hex, columns);
  return columns;
}

/** Number of glyphs in the table, for tests that walk it. */
export const GLYPH_COUNT = GLYPHS.length;

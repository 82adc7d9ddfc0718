import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatinName, mrzLetters, mrzNameParts } from '../../src/domain/mrz-names.js';

describe('names as a passport’s machine-readable zone writes them (ICAO 9303)', () => {
  it('writes German umlauts and ß as two letters', () => {
    assert.deepEqual(['Müller', 'Gößinger', 'Bähr'].map(mrzLetters), ['MUELLER', 'GOESSINGER', 'BAEHR']);
  });
  it('writes Nordic letters as ICAO does: Å as AA, Ø and Æ as OE and AE', () => {
    assert.deepEqual(['Ångström', 'Søren', 'Ærø'].map(mrzLetters), ['AANGSTROEM', 'SOEREN', 'AEROE']);
  });
  it('drops accents that have no transliteration of their own', () => {
    assert.deepEqual(['José', 'Dvořák', 'Şahin', 'Nguyễn', 'François'].map(mrzLetters), ['JOSE', 'DVORAK', 'SAHIN', 'NGUYEN', 'FRANCOIS']);
  });
  it('writes Polish Ł as L', () => {
    assert.equal(mrzLetters('Łukasz'), 'LUKASZ');
  });
  it('drops apostrophes and full stops inside a part', () => {
    assert.deepEqual(mrzNameParts("Seán O'Brien Jr."), ['SEAN', 'OBRIEN', 'JR']);
  });
  it('splits parts at spaces, hyphens and commas', () => {
    assert.deepEqual(mrzNameParts('Smith-Jones, Mary  Ann'), ['SMITH', 'JONES', 'MARY', 'ANN']);
  });
  it('takes a name in Latin letters as Latin, and a name with Chinese or Cyrillic letters as not', () => {
    assert.deepEqual(['Oliver Brown', 'Zoë Ångström', '张秀兰', 'Анна Smith', '--'].map(isLatinName), [true, true, false, false, false]);
  });
});

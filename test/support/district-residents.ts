import type { DeclarationInput } from '../../src/domain/declaration.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import type { Harness } from './harness.js';
import { withCheck } from './people.js';

const GIVEN = ['王', '李', '陈', '杨', '黄', '周', '吴', '徐'];

/** The n-th of a district's residents, each with an ID number and phone of their own. */
export const neighbour = (region: string, n: number): RegistrationInput => ({
  name: `${GIVEN[n % GIVEN.length]}${['秀英', '建华', '丽娟', '志明'][n % 4]}`,
  idType: 'resident_id',
  idNumber: withCheck(`${region}199001${10 + n}${region.slice(-2)}1`),
  phone: `1380571${region.slice(-2)}${String(n).padStart(2, '0')}`,
  address: { region, detail: `文三路 ${100 + n} 号` },
});

/** `person` registered with a proven phone, and their first declaration made: a decided resident of their district. */
export async function resident(h: Harness, person: RegistrationInput, declaration: DeclarationInput): Promise<string> {
  const { id } = await h.services.residents.register(person, { phoneVerifiedAt: h.clock.now().getTime() });
  await h.services.declarations.declare(id, declaration);
  return id;
}

import { mod11_2CheckCharacter } from '../../src/domain/identity/check-digits.js';
import type { RegistrationInput } from '../../src/domain/resident.js';

/** Completes 17 digits with their GB 11643 check character. */
export const withCheck = (first17: string) => first17 + mod11_2CheckCharacter(first17);

/** Realistic, fictional residents of Yuhang district. */
export const ZHANG_WEI: RegistrationInput = {
  name: '张伟',
  idType: 'resident_id',
  idNumber: withCheck('33011019880214003'),
  phone: '13912345678',
  address: { region: '330110', detail: '五常街道联胜路 10 号 2 幢 302 室' },
};

export const LIU_FANG: RegistrationInput = {
  name: '刘芳芳',
  idType: 'resident_id',
  idNumber: withCheck('33010619950630004'),
  phone: '15067891234',
  address: { region: '330106', detail: '文三路 90 号 5 单元 601 室' },
};

export const OLIVER_BROWN: RegistrationInput = {
  name: 'Oliver Brown',
  idType: 'passport',
  idCountry: 'GBR',
  idNumber: '533401372',
  phone: '+447911123456',
  address: { region: '330110', detail: '良渚街道古墩路 1888 号' },
};

export const GRANDMA_ZHANG = {
  name: '张秀兰',
  idType: 'resident_id',
  idNumber: withCheck('33011019440917002'),
  address: { region: '330110', detail: '五常街道联胜路 10 号 2 幢 302 室' },
  relationship: 'grandparent',
};

/** Registered in Jingmen (Hubei, 420802): the seeds' woman who went to Ningbo and needed a second code. */
export const CHEN_JING: RegistrationInput = {
  name: '陈静',
  idType: 'resident_id',
  idNumber: withCheck('42080219880315002'),
  phone: '13972891234',
  address: { region: '420802', detail: '东宝区象山大道 16 号 3 栋 502 室' },
};

/** From Hong Kong, living in Yuhang on her Home Return Permit (港澳居民来往内地通行证). */
export const CHAN_MEI_LING: RegistrationInput = {
  name: '陳美玲',
  idType: 'hk_macao_travel_permit',
  idNumber: 'H60214738',
  phone: '+85291234567',
  address: { region: '330110', detail: '良渚街道玉鸟路 1 号 3 幢 1102 室' },
};

/** From Taiwan, living in Xihu on his Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证). */
export const LIN_CHIH_HAO: RegistrationInput = {
  name: '林志豪',
  idType: 'taiwan_travel_permit',
  idNumber: '05123456',
  phone: '+886912345678',
  address: { region: '330106', detail: '文二路 391 号 4 幢 803 室' },
};

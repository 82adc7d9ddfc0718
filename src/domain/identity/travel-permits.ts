import { accept, refuse, type Checked } from '../field-errors.js';

/**
 * The two mainland travel permits people from Hong Kong, Macao and Taiwan hold, often instead of a
 * residence permit. Both carry a number for life; a renewed permit keeps it.
 */

/**
 * Mainland Travel Permit for Hong Kong and Macao Residents (港澳居民来往内地通行证, "Home Return
 * Permit"): H (Hong Kong) or M (Macao) and 8 digits on the card issued since 2013. The older booklet
 * wrote the same letter and 8 digits followed by 2 more counting its renewals; the card kept the
 * first nine characters, so a booklet's number is read as the card's: one person, one number.
 */
export function checkHomeReturnPermit(number: string): Checked<string> {
  const normalized = number.replace(/\s/g, '').toUpperCase();
  if (!/^[HM]/.test(normalized)) return refuse('must begin with H (Hong Kong) or M (Macao)');
  if (/^[HM]\d{8}$/.test(normalized)) return accept(normalized);
  if (/^[HM]\d{10}$/.test(normalized)) return accept(normalized.slice(0, 9));
  return refuse('must be H or M followed by 8 digits (an older booklet: 10 digits)');
}

/**
 * Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证): 8 digits on the card issued
 * since 2015. The booklets before it (10 characters, the last two a renewal count, sometimes a
 * letter in brackets) were valid five years and have all lapsed: their numbers are refused with the
 * way to the current one, the booklet's first 8 digits, which the card kept.
 */
export function checkTaiwanTravelPermit(number: string): Checked<string> {
  const normalized = number.replace(/\s/g, '').toUpperCase();
  if (/^\d{8}$/.test(normalized)) return accept(normalized);
  if (/^\d{8}(\(?[A-Z0-9]{1,2}\)?)$/.test(normalized)) return refuse('is an older booklet number: give the 8 digits of the current card (the first 8 of the booklet)');
  return refuse('must be the 8 digits of the permit card');
}

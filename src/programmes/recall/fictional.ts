/**
 * The store holds no names or phone numbers. Worklists show obviously fictional ones made
 * deterministically from the patient id at display time: "Test Patient 000123" and a mobile
 * number in Ofcom's drama range 07700 900000–900999 (never allocated to a real line).
 */
export function fictionalName(patientId: number): string {
  return `Test Patient ${String(patientId).padStart(6, '0')}`;
}

export function fictionalPhone(patientId: number): string {
  return `07700 900${String(((patientId % 1000) + 1000) % 1000).padStart(3, '0')}`;
}

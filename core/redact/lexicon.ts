/**
 * A compact lexicon for best-effort person and street-address detection: common given names across the
 * locales worktrace is deployed in, and street-type words. Organisations add their own names by policy.
 */

/** Common given names (capitalised as written). A given name followed by a capitalised word is a PERSON. */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  `Sofia Sophia Sophie James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark
  Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
  Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond
  Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Peter Zachary Douglas Harold Kyle Noah Ethan Oliver Liam
  Lucas Mason Logan Elijah Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
  Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Dorothy Rebecca
  Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine
  Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren
  Kelly Christina Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice
  Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly
  Charlotte Natalie Theresa Diana Brittany Doris Kayla Alexis Lori Marie Jane Alan Alex Chris Sam Max Tom Tim Tony
  Anne Claire Sophie Lea Lena Laura Jonas Leon Felix Paul Finn Lukas Elias Ben Luis Moritz Jan Tobias Niklas Stefan
  Andreas Markus Thorsten Jürgen Klaus Sabine Petra Ursula Monika Katrin Julia Anja Jens Uwe Hans Karl Fritz Heinz
  Pierre Jean Luc Marie Camille Chloé Manon Louis Hugo Antoine Nicolas Julien Mathieu Élodie Isabelle Nathalie
  Carlos Juan Luis Miguel Javier Pablo Diego Sofía Lucía Carmen Elena Rosa Pedro Jorge Alejandro Fernando
  Raj Priya Amit Ankit Rahul Neha Pooja Arjun Vikram Sanjay Anil Sunil Deepak Ravi Suresh Ramesh Kavya Divya
  Wei Li Ming Hui Yan Jun Hiroshi Yuki Kenji Akira Sakura Haruto Mohammed Ahmed Ali Omar Fatima Aisha Yusuf
  Olga Ivan Dmitri Sergei Natasha Anastasia Piotr Katarzyna Agnieszka Tomasz Lars Erik Ingrid Astrid Sven Nils`
    .split(/\s+/)
    .filter(Boolean),
);

/** Street-type words that end a street address ("42 Elm Street") and are never surnames in that position. */
export const STREET_SUFFIXES: ReadonlySet<string> = new Set([
  'Street',
  'St',
  'Avenue',
  'Ave',
  'Road',
  'Rd',
  'Boulevard',
  'Blvd',
  'Lane',
  'Ln',
  'Drive',
  'Dr',
  'Court',
  'Ct',
  'Way',
  'Place',
  'Pl',
  'Terrace',
  'Square',
  'Sq',
  'Parkway',
  'Pkwy',
  'Highway',
  'Hwy',
  'Circle',
  'Cir',
  'Close',
  'Crescent',
  'Gardens',
  'Grove',
  'Row',
  'Walk',
  'Mews',
  'Hill',
]);

/**
 * Every word list the detectors load, by name. The redaction evaluation scores only values outside all of
 * them (test/eval/holdout.test.ts checks), so its figures measure generalisation, not lookup.
 */
export const DETECTOR_WORD_LISTS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  firstNames: FIRST_NAMES,
  streetSuffixes: STREET_SUFFIXES,
});

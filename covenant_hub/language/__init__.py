"""Language tools that search and matching share, with no Flask: analysers per language
(analysis), the Kyrgyz stemmer and stop words (kyrgyz), and language and script detection
(detection). Core: every engine and domain may import them."""

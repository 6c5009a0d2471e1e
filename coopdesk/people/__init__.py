"""Beneficiaries' personal data: duplicates and merge, spreadsheets in and out, consent,
anonymisation, retention and local login. Qt-free; exposed on the ``Services`` facade."""

"""The nouns a picture's main subject is called by, kept apart so that the clause reader
and the vocabulary both read them."""

from __future__ import annotations


def _nouns(text: str) -> frozenset[str]:
    return frozenset(w.strip() for w in text.split(","))


# Things a picture's main subject is called by ("crop it square around the flower"): never
# taken for a misspelt word ("flower" is no "lower", "cat" no "cast"). None is recognised by
# name: each stands for the main subject the subject cut finds, and says so.
ANIMAL_NOUNS = _nouns("cat, cats, kitten, dog, dogs, puppy, pet, animal, bird, horse")
PEOPLE_NOUNS = _nouns("person, man, woman, girl, boy, child, kid, baby, guy, lady")
# Things a photo is taken of: a tone or colour edit of one is the subject's.
THING_NOUNS = _nouns(
    "cup, mug, coffee, car, flower, flowers, petals, rocket, building, product, bottle, bee, "
    "butterfly, insect, bike, bicycle, motorbike, motorcycle, boat, ship, statue, cake, truck, "
    "bus, train, plane, airplane, guitar, vase, lamp, chair, teapot, bowl, ball, toy, shoe, "
    "sneaker, handbag, fruit, apple"
)
# Parts of a scene, often not what the subject cut finds: only framed ("zoom in on the
# pagoda"), where the crop shows at once what was taken; "make the tree purple" is refused.
SCENERY_NOUNS = _nouns(
    "plant, tree, tower, pagoda, temple, church, castle, lighthouse, house, moon, planet"
)
SUBJECT_NOUNS = _nouns("subject") | ANIMAL_NOUNS | PEOPLE_NOUNS | THING_NOUNS | SCENERY_NOUNS

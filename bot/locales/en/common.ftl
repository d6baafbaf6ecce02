language-name = English
tickets-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}

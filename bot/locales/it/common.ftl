language-name = Italiano
tickets-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } ticket
}
